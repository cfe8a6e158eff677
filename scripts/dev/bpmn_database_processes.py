#!/usr/bin/env python3
"""Writes processes/{create,update,delete}-database.bpmn with diagram layout, and the Camunda Modeler
element templates of every step handler (processes/element-templates/control-plane-steps.json).

The BPMN files are the source of truth and ops engineers edit them in Camunda Modeler; this script
only produced their first version (and can rebuild them when the step list changes). Run it from the
repository root: python3 scripts/dev/bpmn_database_processes.py
"""
from xml.sax.saxutils import quoteattr

REQUEST = "${requestHost}"
INSTANCE = "${operationPlan.host(instanceHosts, instanceId)}"
NODE = "${operationPlan.host(nodeHosts, nodeName)}"

STEPS = {  # handler: (name, retries, backoff seconds)
    "planDatabase": ("Plan instances", 5, 2),
    "allocatePorts": ("Allocate ports", 5, 2),
    "createEtcdCredentials": ("Create etcd credentials", 5, 2),
    "writePatroniConfig": ("Write Patroni config and certificates", 5, 2),
    "createSwarmService": ("Create Swarm service", 5, 5),
    "applyPatroniConfig": ("Reload or restart Postgres", 10, 5),
    "waitForInstance": ("Wait for instance ready", 10, 10),
    "createDatabaseObjects": ("Create users, database and run scripts", 10, 5),
    "removeSwarmService": ("Remove Swarm service", 5, 5),
    "removeInstanceData": ("Remove instance files and credentials", 5, 2),
    "markDatabaseAvailable": ("Mark database available", 5, 2),
    "deleteDatabaseRecords": ("Delete database records", 5, 2),
}

# steps of processes that this script does not write, for the element templates only
OTHER_STEPS = {
    "waitForDatabaseUpdates": ("Wait for database updates", 60, 10, REQUEST),
    "removeEtcdMember": ("Remove etcd member", 5, 2, REQUEST),
    "removeHostCredentials": ("Remove etcd credentials", 5, 2, REQUEST),
    "removeHostRecord": ("Remove host record", 5, 2, REQUEST),
}
DEFAULT_HOST = {"allocatePorts": INSTANCE, "createEtcdCredentials": INSTANCE, "writePatroniConfig": INSTANCE,
                "createSwarmService": INSTANCE, "applyPatroniConfig": INSTANCE, "waitForInstance": INSTANCE,
                "removeSwarmService": INSTANCE, "removeInstanceData": INSTANCE, "createDatabaseObjects": NODE}

CREATE_INSTANCE = ["allocatePorts", "createEtcdCredentials", "writePatroniConfig", "createSwarmService",
                   "waitForInstance"]
UPDATE_INSTANCE = ["allocatePorts", "createEtcdCredentials", "writePatroniConfig", "createSwarmService",
                   "applyPatroniConfig", "waitForInstance"]
REMOVE_INSTANCE = ["removeSwarmService", "removeInstanceData"]


def task(handler, host=REQUEST, suffix=""):
    return {"kind": "task", "handler": handler, "id": handler + suffix, "host": host}


def node_task(handler, collection):
    t = task(handler, NODE)
    t["mi"] = (collection, "nodeName", False)
    return t


def sub(sid, name, collection, steps, sequential=False, suffix="", doc=""):
    return {"kind": "sub", "id": sid, "name": name, "mi": (collection, "instanceId", sequential),
            "steps": [task(h, INSTANCE, suffix) for h in steps], "doc": doc}


PROCESSES = {
    "create-database": ("Create database",
        "Creates a database from its stored spec: plans one instance per node and host, brings up every "
        "node's primary, creates users, the database and runs the scripts on each primary, then adds the "
        "read replicas. Instance steps run on the instance's host.",
        [task("planDatabase"),
         sub("createPrimaries", "Create primary instance", "createPrimaries", CREATE_INSTANCE, suffix="_primary",
             doc="One per node, in parallel: the node's first host bootstraps its Patroni cluster."),
         node_task("createDatabaseObjects", "nodes"),
         sub("createReplicas", "Create replica instance", "createReplicas", CREATE_INSTANCE, suffix="_replica",
             doc="Every other host of a node: a Patroni streaming replica."),
         task("markDatabaseAvailable")]),
    "update-database": ("Update database",
        "Applies a changed spec: removes instances the spec dropped, updates changed instances one at a "
        "time (replicas before primaries), creates new nodes and replicas, and applies users and scripts.",
        [task("planDatabase"),
         sub("removeInstances", "Remove instance", "removeInstances", REMOVE_INSTANCE),
         sub("updateInstances", "Update instance", "updateInstances", UPDATE_INSTANCE, sequential=True,
             suffix="_update", doc="Sequential: replicas first, then primaries (a rolling update)."),
         sub("createPrimaries", "Create primary instance", "createPrimaries", CREATE_INSTANCE, suffix="_primary"),
         node_task("createDatabaseObjects", "nodes"),
         sub("createReplicas", "Create replica instance", "createReplicas", CREATE_INSTANCE, suffix="_replica"),
         task("markDatabaseAvailable")]),
    "delete-database": ("Delete database",
        "Removes every instance (service, files, credentials, ports, Patroni keys) and then the "
        "database's records. Its tasks stay.",
        [task("planDatabase"),
         sub("removeInstances", "Remove instance", "removeInstances", REMOVE_INSTANCE),
         task("deleteDatabaseRecords")]),
}

CY = 200
GAP = 50


def esc(s):
    return quoteattr(s)


class Writer:
    def __init__(self):
        self.xml = []
        self.di = []
        self.flow_n = 0

    def shape(self, eid, x, y, w, h, expanded=False):
        extra = ' isExpanded="true"' if expanded else ""
        self.di.append(f'      <bpmndi:BPMNShape id="{eid}_di" bpmnElement="{eid}"{extra}>'
                       f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>')

    def flow(self, indent, src, dst, x1, x2):
        self.flow_n += 1
        fid = f"flow{self.flow_n}"
        self.xml.append(f'{indent}<bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{dst}"/>')
        self.di.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}"><di:waypoint x="{x1}" y="{CY}"/>'
                       f'<di:waypoint x="{x2}" y="{CY}"/></bpmndi:BPMNEdge>')

    def mi(self, indent, mi):
        collection, var, sequential = mi
        seq = "true" if sequential else "false"
        # asyncAfter: parallel instances finish in their own jobs, so concurrent ends are retried, not lost
        async_after = "" if sequential else ' camunda:asyncAfter="true"'
        self.xml.append(f'{indent}<bpmn:multiInstanceLoopCharacteristics isSequential="{seq}"{async_after} '
                        f'camunda:collection="${{operationPlan.ids({collection})}}" camunda:elementVariable="{var}"/>')

    def task(self, indent, t, x):
        name, retries, backoff = STEPS[t["handler"]]
        topic = t["handler"] + "@" + t["host"]
        self.xml.append(f'{indent}<bpmn:serviceTask id="{t["id"]}" name={esc(name)} camunda:type="external" '
                        f'camunda:topic={esc(topic)}>')
        self.xml.append(f'{indent}  <bpmn:extensionElements><camunda:properties>'
                        f'<camunda:property name="retries" value="{retries}"/>'
                        f'<camunda:property name="retry_backoff_seconds" value="{backoff}"/>'
                        f'</camunda:properties></bpmn:extensionElements>')
        if "mi" in t:
            self.mi(indent + "  ", t["mi"])
        self.xml.append(f'{indent}</bpmn:serviceTask>')
        self.shape(t["id"], x, CY - 40, 100, 80)
        return x + 100

    def sequence(self, indent, prefix, elements, x, end_name):
        """start -> elements -> end, left to right from x; returns the right edge."""
        start = f"{prefix}start"
        self.xml.append(f'{indent}<bpmn:startEvent id="{start}"/>' if prefix else
                        f'{indent}<bpmn:startEvent id="start" name="Requested"/>')
        self.shape(start, x, CY - 18, 36, 36)
        prev, prev_right = start, x + 36
        x = prev_right + GAP
        for e in elements:
            if e["kind"] == "task":
                right = self.task(indent, e, x)
            else:
                right = self.subprocess(indent, e, x)
            self.flow(indent, prev, e["id"], prev_right, x)
            prev, prev_right = e["id"], right
            x = right + GAP
        end = f"{prefix}end"
        self.xml.append(f'{indent}<bpmn:endEvent id="{end}" name={esc(end_name)}/>' if end_name else
                        f'{indent}<bpmn:endEvent id="{end}"/>')
        self.shape(end, x, CY - 18, 36, 36)
        self.flow(indent, prev, end, prev_right, x)
        return x + 36

    def subprocess(self, indent, s, x):
        self.xml.append(f'{indent}<bpmn:subProcess id="{s["id"]}" name={esc(s["name"])}>')
        if s["doc"]:
            self.xml.append(f'{indent}  <bpmn:documentation>{s["doc"]}</bpmn:documentation>')
        self.mi(indent + "  ", s["mi"])
        right = self.sequence(indent + "  ", s["id"] + "_", s["steps"], x + 30, None) + 30
        self.xml.append(f'{indent}</bpmn:subProcess>')
        self.shape(s["id"], x, CY - 75, right - x, 150, expanded=True)
        return right


def write(key, name, doc, elements):
    w = Writer()
    body_start = len(w.xml)
    w.sequence("    ", "", elements, 120, "Done")
    body = w.xml[body_start:]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
        '                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"',
        '                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"',
        '                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"',
        '                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
        f'                  id="{key}-definitions" targetNamespace="http://controlplane.io/bpmn">',
        '  <bpmn:error id="operationFailedError" name="Operation failed" errorCode="operation_failed"/>',
        f'  <bpmn:process id="{key}" name={esc(name)} isExecutable="true" camunda:historyTimeToLive="P30D">',
        f'    <bpmn:documentation>{doc}</bpmn:documentation>',
        '    <bpmn:extensionElements>',
        '      <camunda:executionListener event="end" delegateExpression="${operationListener}"/>',
        '      <camunda:executionListener event="end" delegateExpression="${databaseOperationListener}"/>',
        '    </bpmn:extensionElements>',
    ]
    out += body
    out += [
        '    <bpmn:subProcess id="onOperationFailed" name="Operation failed" triggeredByEvent="true">',
        '      <bpmn:startEvent id="operationFailedStart" name="Step ended the operation" isInterrupting="true">',
        '        <bpmn:errorEventDefinition errorRef="operationFailedError"/>',
        '      </bpmn:startEvent>',
        '      <bpmn:sequenceFlow id="ff1" sourceRef="operationFailedStart" targetRef="operationFailedEnd"/>',
        '      <bpmn:endEvent id="operationFailedEnd" name="Task and database failed"/>',
        '    </bpmn:subProcess>',
        '  </bpmn:process>',
        '  <bpmndi:BPMNDiagram id="diagram">',
        f'    <bpmndi:BPMNPlane id="plane" bpmnElement="{key}">',
    ]
    out += w.di
    y = CY + 140
    out += [
        f'      <bpmndi:BPMNShape id="onOperationFailed_di" bpmnElement="onOperationFailed" isExpanded="true">'
        f'<dc:Bounds x="120" y="{y}" width="260" height="120"/></bpmndi:BPMNShape>',
        f'      <bpmndi:BPMNShape id="operationFailedStart_di" bpmnElement="operationFailedStart">'
        f'<dc:Bounds x="152" y="{y + 42}" width="36" height="36"/></bpmndi:BPMNShape>',
        f'      <bpmndi:BPMNShape id="operationFailedEnd_di" bpmnElement="operationFailedEnd">'
        f'<dc:Bounds x="302" y="{y + 42}" width="36" height="36"/></bpmndi:BPMNShape>',
        f'      <bpmndi:BPMNEdge id="ff1_di" bpmnElement="ff1"><di:waypoint x="188" y="{y + 60}"/>'
        f'<di:waypoint x="302" y="{y + 60}"/></bpmndi:BPMNEdge>',
        '    </bpmndi:BPMNPlane>',
        '  </bpmndi:BPMNDiagram>',
        '</bpmn:definitions>',
    ]
    with open(f"processes/{key}.bpmn", "w") as f:
        f.write("\n".join(out) + "\n")


def element_templates():
    """One template per handler: an external task whose topic is <handler>@<host expression>."""
    import json
    import os
    steps = {h: (n, r, b, DEFAULT_HOST.get(h, REQUEST)) for h, (n, r, b) in STEPS.items()}
    steps.update(OTHER_STEPS)
    templates = []
    for handler, (name, retries, backoff, host) in steps.items():
        templates.append({
            "$schema": "https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json",
            "name": name,
            "id": f"io.controlplane.{handler}",
            "description": f"Control Plane step handler '{handler}'. Keep the part before '@' in the topic.",
            "appliesTo": ["bpmn:ServiceTask"],
            "properties": [
                {"type": "Hidden", "value": "external", "binding": {"type": "property", "name": "camunda:type"}},
                {"label": "Topic (handler@host)", "type": "String", "value": f"{handler}@{host}",
                 "description": "The host expression after '@' says which host's worker runs the step.",
                 "binding": {"type": "property", "name": "camunda:topic"},
                 "constraints": {"notEmpty": True, "pattern": {"value": f"^{handler}@.+$",
                                                               "message": f"must start with {handler}@"}}},
                {"label": "Retries on transient failure", "type": "String", "value": str(retries),
                 "binding": {"type": "camunda:property", "name": "retries"}},
                {"label": "First retry backoff (seconds, doubling, max 60)", "type": "String", "value": str(backoff),
                 "binding": {"type": "camunda:property", "name": "retry_backoff_seconds"}},
            ],
        })
    os.makedirs("processes/element-templates", exist_ok=True)
    with open("processes/element-templates/control-plane-steps.json", "w") as f:
        json.dump(templates, f, indent=2)
        f.write("\n")
    print("wrote processes/element-templates/control-plane-steps.json")


for key, (name, doc, elements) in PROCESSES.items():
    write(key, name, doc, elements)
    print(f"wrote processes/{key}.bpmn")
element_templates()
