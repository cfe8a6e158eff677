// Control Plane's settings for Camunda's Admin (docs/operations.md, "Cockpit as part of the product").
// This file replaces the webapp's own scripts/config.js on the classpath; every other option keeps its
// default (see the commented file in camunda-webapp-webjar).
export default {
  // header and window title read "Control Plane Admin"
  app: {
    name: 'Admin',
    vendor: 'Control Plane'
  },
};
