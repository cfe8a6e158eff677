// Cockpit plugins of Control Plane (loaded through customScripts in config.js):
// - "Control Plane UI" in Cockpit's header, back to the web UI;
// - on a running process instance, "Open task in Control Plane UI": the UI's page of the task the instance
//   works for (the server finds it from the root process instance's business key, the task id).
const UI = '/ui/';

export default [
  {
    id: 'controlPlane.navigation.ui',
    pluginPoint: 'cockpit.navigation',
    priority: 100,
    label: 'Control Plane UI',
    pagePath: UI
  },
  {
    id: 'controlPlane.processInstance.task',
    pluginPoint: 'cockpit.processInstance.runtime.action',
    priority: 100,
    render: (node, {processInstanceId}) => {
      const link = document.createElement('a');
      link.id = 'control-plane-task-link';
      link.className = 'btn btn-default action-button';
      link.title = 'Open task in Control Plane UI';
      link.href = UI + 'tasks/by-process-instance/' + encodeURIComponent(processInstanceId);
      link.textContent = 'Task';
      node.appendChild(link);
    }
  }
];
