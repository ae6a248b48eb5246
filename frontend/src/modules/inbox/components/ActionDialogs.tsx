import { useState } from "react";

import { FormField } from "@/components/FormField";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";

import type { Agent, Department } from "../types";

const selectClass =
  "border-input bg-background h-9 w-full rounded-md border px-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring/50";

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
  const [busy, setBusy] = useState(false);
  const choices = departments.filter((d) => d.id !== currentDepartmentId);
  const deptAgents = (agents ?? []).filter((a) => !a.department_id || a.department_id === department);

  const submit = async () => {
    if (!department) return;
    setBusy(true);
    try {
      await onConfirm(department, agent || null);
      onOpenChange(false);
      setDepartment("");
      setAgent("");
    } catch {
      // toasted by the API client; keep the dialog open
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Transferir conversa</DialogTitle>
          <DialogDescription>Escolha o departamento e, se quiser, quem vai atender.</DialogDescription>
        </DialogHeader>
        <div className="space-y-4">
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
                {deptAgents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                    {a.online ? " (online)" : ""}
                  </option>
                ))}
              </select>
            </FormField>
          ) : null}
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancelar
          </Button>
          <Button onClick={() => void submit()} disabled={!department || busy}>
            Transferir
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
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
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!agent) return;
    setBusy(true);
    try {
      await onConfirm(agent);
      onOpenChange(false);
      setAgent("");
    } catch {
      // toasted
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Atribuir conversa</DialogTitle>
          <DialogDescription>Quem vai atender este contato.</DialogDescription>
        </DialogHeader>
        <FormField id="assign-agent" label="Atendente">
          <select className={selectClass} value={agent} onChange={(e) => setAgent(e.target.value)}>
            <option value="">Selecione…</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.online ? " (online)" : ""}
              </option>
            ))}
          </select>
        </FormField>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancelar
          </Button>
          <Button onClick={() => void submit()} disabled={!agent || busy}>
            Atribuir
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
