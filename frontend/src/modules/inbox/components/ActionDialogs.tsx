import { useState } from "react";

import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";

import type { Agent, Department } from "../types";

const selectClass =
  "border-input bg-background h-9 w-full rounded-md border px-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring/50";

const PRESENCE_LABEL: Record<string, string> = { online: "online", away: "ausente", offline: "offline" };

/** One <option> per agent: name, presence ("online" / "ausente" / "offline") and open conversations. */
function AgentOptions({ agents }: { agents: Agent[] }) {
  const ranks: Record<string, number> = { online: 0, away: 1 };
  const rank = (a: Agent) => ranks[a.presence ?? (a.online ? "online" : "")] ?? 2;
  return [...agents]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map((a) => {
      const presence = a.presence ?? (a.online ? "online" : undefined);
      const details = [presence ? PRESENCE_LABEL[presence] : null, a.load ? `${a.load} em atendimento` : null]
        .filter(Boolean)
        .join(" · ");
      return (
        <option key={a.id} value={a.id} data-presence={presence}>
          {a.name}
          {details ? ` (${details})` : ""}
        </option>
      );
    });
}

export function TransferDialog({
  open,
  onOpenChange,
  departments,
  agents,
  currentDepartmentId,
  onConfirm,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  departments: Department[];
  agents: Agent[] | null;
  currentDepartmentId: string | null | undefined;
  onConfirm: (departmentId: string, userId: string | null) => Promise<void>;
}) {
  const [department, setDepartment] = useState("");
  const [agent, setAgent] = useState("");
  const choices = departments.filter((d) => d.id !== currentDepartmentId);
  const deptAgents = (agents ?? []).filter((a) => !a.department_id || a.department_id === department);

  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Transferir conversa"
      description="Escolha o departamento e, se quiser, quem vai atender."
      formId="transfer-conversation"
      formClassName="space-y-4"
      submitLabel="Transferir"
      canSubmit={!!department}
      onSubmit={() => onConfirm(department, agent || null)}
      onDone={() => {
        setDepartment("");
        setAgent("");
      }}
    >
      <FormField id="transfer-department" label="Departamento">
        <select
          className={selectClass}
          value={department}
          onChange={(e) => {
            setDepartment(e.target.value);
            setAgent("");
          }}
        >
          <option value="">Selecione…</option>
          {choices.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </FormField>
      {agents !== null ? (
        <FormField id="transfer-agent" label="Atendente (opcional)">
          <select
            className={selectClass}
            value={agent}
            disabled={!department}
            onChange={(e) => setAgent(e.target.value)}
          >
            <option value="">Fila do departamento</option>
            <AgentOptions agents={deptAgents} />
          </select>
        </FormField>
      ) : null}
    </FormDialog>
  );
}

export function AssignDialog({
  open,
  onOpenChange,
  agents,
  onConfirm,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  agents: Agent[];
  onConfirm: (userId: string) => Promise<void>;
}) {
  const [agent, setAgent] = useState("");
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Atribuir conversa"
      description="Quem vai atender este contato."
      formId="assign-conversation"
      submitLabel="Atribuir"
      canSubmit={!!agent}
      onSubmit={() => onConfirm(agent)}
      onDone={() => setAgent("")}
    >
      <FormField id="assign-agent" label="Atendente">
        <select className={selectClass} value={agent} onChange={(e) => setAgent(e.target.value)}>
          <option value="">Selecione…</option>
          <AgentOptions agents={agents} />
        </select>
      </FormField>
    </FormDialog>
  );
}
