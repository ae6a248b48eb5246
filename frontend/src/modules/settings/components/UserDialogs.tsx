import { Loader2 } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { FormField, type FormControlProps } from "@/components/FormField";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { ROLE_LABELS, type Role } from "@/modules/auth/types";

import { settingsApi } from "../api";
import type { Department, User } from "../types";

const NO_DEPARTMENT = "__none__";
const ROLES = Object.keys(ROLE_LABELS) as Role[];

function RoleSelect({ value, onChange, ...control }: { value: Role; onChange: (r: Role) => void } & FormControlProps) {
  return (
    <Select value={value} onValueChange={(v) => onChange(v as Role)}>
      <SelectTrigger {...control} className="w-full">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {ROLES.map((r) => (
          <SelectItem key={r} value={r}>
            {ROLE_LABELS[r]}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

function DepartmentSelect({
  value,
  onChange,
  departments,
  ...control
}: {
  value: string | null;
  onChange: (d: string | null) => void;
  departments: Department[];
} & FormControlProps) {
  return (
    <Select value={value ?? NO_DEPARTMENT} onValueChange={(v) => onChange(v === NO_DEPARTMENT ? null : v)}>
      <SelectTrigger {...control} className="w-full">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={NO_DEPARTMENT}>Nenhum</SelectItem>
        {departments.map((d) => (
          <SelectItem key={d.id} value={d.id}>
            {d.name}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

interface CreateUserDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  departments: Department[];
  onCreated: () => void;
}

export function CreateUserDialog({ open, onOpenChange, departments, onCreated }: CreateUserDialogProps) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const firstDepartmentId = departments[0]?.id ?? null;

  useEffect(() => {
    if (open) {
      setName("");
      setEmail("");
      setPassword("");
      setRole("agent");
      // Managers and agents work inside a department: preselect the first one.
      setDepartmentId(firstDepartmentId);
    }
  }, [open, firstDepartmentId]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaving(true);
    try {
      await settingsApi.createUser({
        name: name.trim(),
        email: email.trim(),
        password,
        role,
        department_id: departmentId,
      });
      toast.success("Usuário criado");
      onOpenChange(false);
      onCreated();
    } catch {
      // 402 (plan limit), 409 (e-mail taken), 403… are toasted by the API client; keep the form open.
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Novo usuário</DialogTitle>
          <DialogDescription>A pessoa entra com este e-mail e a senha definida aqui.</DialogDescription>
        </DialogHeader>
        <form id="create-user" className="grid gap-4" onSubmit={onSubmit}>
          <FormField id="user-name" label="Nome">
            <Input required value={name} onChange={(e) => setName(e.target.value)} />
          </FormField>
          <FormField id="user-email" label="E-mail">
            <Input type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
          </FormField>
          <FormField id="user-password" label="Senha" hint="Mínimo de 8 caracteres.">
            <Input
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField id="user-role" label="Papel">
              <RoleSelect value={role} onChange={setRole} />
            </FormField>
            <FormField id="user-department" label="Departamento">
              <DepartmentSelect value={departmentId} onChange={setDepartmentId} departments={departments} />
            </FormField>
          </div>
        </form>
        <DialogFooter>
          <Button variant="outline" type="button" onClick={() => onOpenChange(false)}>
            Cancelar
          </Button>
          <Button type="submit" form="create-user" disabled={saving}>
            {saving ? <Loader2 className="animate-spin" /> : null}
            Criar usuário
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

interface EditUserDialogProps {
  user: User | null;
  onOpenChange: (open: boolean) => void;
  departments: Department[];
  onSaved: () => void;
}

/** Change a user's role and department. */
export function EditUserDialog({ user, onOpenChange, departments, onSaved }: EditUserDialogProps) {
  const [role, setRole] = useState<Role>("agent");
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (user) {
      setRole(user.role);
      setDepartmentId(user.department_id);
    }
  }, [user]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!user) return;
    setSaving(true);
    try {
      await settingsApi.updateUser(user.id, { role, department_id: departmentId });
      toast.success("Usuário atualizado");
      onOpenChange(false);
      onSaved();
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={user !== null} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Editar {user?.name}</DialogTitle>
          <DialogDescription>Papel e departamento definem o que a pessoa vê e pode fazer.</DialogDescription>
        </DialogHeader>
        <form id="edit-user" className="grid gap-4 sm:grid-cols-2" onSubmit={onSubmit}>
          <FormField id="edit-role" label="Papel">
            <RoleSelect value={role} onChange={setRole} />
          </FormField>
          <FormField id="edit-department" label="Departamento">
            <DepartmentSelect value={departmentId} onChange={setDepartmentId} departments={departments} />
          </FormField>
        </form>
        <DialogFooter>
          <Button variant="outline" type="button" onClick={() => onOpenChange(false)}>
            Cancelar
          </Button>
          <Button type="submit" form="edit-user" disabled={saving}>
            {saving ? <Loader2 className="animate-spin" /> : null}
            Salvar
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
