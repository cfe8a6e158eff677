// Control Plane's settings for Camunda's Tasklist (docs/operations.md, "Cockpit as part of the product").
// This file replaces the webapp's own scripts/config.js on the classpath; every other option keeps its
// default (see the commented file in camunda-webapp-webjar).
export default {
  // header and window title read "Control Plane Tasklist"
  app: {
    name: 'Tasklist',
    vendor: 'Control Plane'
  },
  // the webapp's own keyboard shortcuts, as its config.js sets them
  shortcuts: {
    claimTask: {key: 'ctrl+alt+c', description: 'claims the currently selected task'},
    focusFilter: {key: 'ctrl+shift+f', description: 'set the focus to the first filter in the list'},
    focusList: {key: 'ctrl+alt+l', description: 'sets the focus to the first task in the list'},
    focusForm: {key: 'ctrl+alt+f', description: 'sets the focus to the first input field in a task form'},
    startProcess: {key: 'ctrl+alt+p', description: 'opens the start process modal dialog'}
  }
};
