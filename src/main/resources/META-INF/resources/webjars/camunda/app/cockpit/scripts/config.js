// Control Plane's settings for Camunda's Cockpit (docs/operations.md, "Cockpit as part of the product").
// This file replaces the webapp's own scripts/config.js on the classpath; every other option keeps its
// default (see the commented file in camunda-webapp-webjar).
export default {
  // header and window title read "Control Plane Cockpit"
  app: {
    name: 'Cockpit',
    vendor: 'Control Plane'
  },
  // the way back to our UI: a header link, and on a process instance a link to its task there
  customScripts: ['scripts/control-plane-links'],
};
