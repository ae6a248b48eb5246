import { Loader2 } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

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
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { ROLE_LABELS, type Role } from "@/modules/auth/types";

import { settingsApi } from "../api";
import type { Department, User } from "../types";

const NO_DEPARTMENT = "__none__";
const ROLES = Object.keys(ROLE_LABELS) as Role[];

function RoleSelect({ value, onChange, id }: { value: Role; onChange: (r: Role) => void; id: string }) {
  return (
    <Select value={value} onValueChange={(v) => onChange(v as Role)}>
      <SelectTrigger id={id} className="w-full">
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
  id,
}: {
  value: string | null;
  onChange: (d: string | null) => void;
  departments: Department[];
  id: string;
}) {
  return (
    <Select value={value ?? NO_DEPARTMENT} onValueChange={(v) => onChange(v === NO_DEPARTMENT ? null : v)}>
      <SelectTrigger id={id} className="w-full">
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
          <div className="grid gap-2">
            <Label htmlFor="user-name">Nome</Label>
            <Input id="user-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="user-email">E-mail</Label>
            <Input
              id="user-email"
              type="email"
              required
              autoComplete="off"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="user-password">Senha</Label>
            <Input
              id="user-password"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <p className="text-muted-foreground text-xs">Mínimo de 8 caracteres.</p>
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="grid gap-2">
              <Label htmlFor="user-role">Papel</Label>
              <RoleSelect id="user-role" value={role} onChange={setRole} />
            </div>
            <div className="grid gap-2">
              <Label htmlFor="user-department">Departamento</Label>
              <DepartmentSelect
                id="user-department"
                value={departmentId}
                onChange={setDepartmentId}
                departments={departments}
              />
            </div>
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
          <div className="grid gap-2">
            <Label htmlFor="edit-role">Papel</Label>
            <RoleSelect id="edit-role" value={role} onChange={setRole} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="edit-department">Departamento</Label>
            <DepartmentSelect
              id="edit-department"
              value={departmentId}
              onChange={setDepartmentId}
              departments={departments}
            />
          </div>
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
