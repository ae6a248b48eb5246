import { useEffect, useState } from "react";

import { FormDialog } from "@/components/FormDialog";
import { FormField, type FormControlProps } from "@/components/FormField";
import { Input } from "@/components/ui/input";
import { OptionSelect, optionsFrom } from "@/components/OptionSelect";
import { ROLE_LABELS, type Role } from "@/modules/auth/types";

import { settingsApi } from "../api";
import type { Department, Invitation, NewInvitation, User } from "../types";

const NO_DEPARTMENT = "__none__";
const ROLE_OPTIONS = optionsFrom(Object.keys(ROLE_LABELS) as Role[], ROLE_LABELS);

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
  const options = [{ value: NO_DEPARTMENT, label: "Nenhum" }, ...departments.map((d) => ({ value: d.id, label: d.name }))];
  return (
    <OptionSelect
      {...control}
      value={value ?? NO_DEPARTMENT}
      onChange={(v) => onChange(v === NO_DEPARTMENT ? null : v)}
      options={options}
    />
  );
}

/** What a user may see and do: a role, and the department they work in. */
type Access = Pick<NewInvitation, "role" | "department_id">;

/** Papel and Departamento, the fields both dialogs share (ids `<idPrefix>-role`, `<idPrefix>-department`). */
function AccessFields({
  idPrefix,
  value,
  onChange,
  departments,
}: {
  idPrefix: string;
  value: Access;
  onChange: (value: Access) => void;
  departments: Department[];
}) {
  return (
    <>
      <FormField id={`${idPrefix}-role`} label="Papel">
        <OptionSelect value={value.role} onChange={(role) => onChange({ ...value, role })} options={ROLE_OPTIONS} />
      </FormField>
      <FormField id={`${idPrefix}-department`} label="Departamento">
        <DepartmentSelect
          value={value.department_id}
          onChange={(department_id) => onChange({ ...value, department_id })}
          departments={departments}
        />
      </FormField>
    </>
  );
}

interface InviteUserDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  departments: Department[];
  onInvited: (invitation: Invitation) => void;
}

/** Invite by e-mail: the person chooses their own password through the link (7 days, single use). */
export function InviteUserDialog({ open, onOpenChange, departments, onInvited }: InviteUserDialogProps) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [access, setAccess] = useState<Access>({ role: "agent", department_id: null });
  const firstDepartmentId = departments[0]?.id ?? null;

  useEffect(() => {
    if (open) {
      setName("");
      setEmail("");
      // Managers and agents work inside a department: preselect the first one.
      setAccess({ role: "agent", department_id: firstDepartmentId });
    }
  }, [open, firstDepartmentId]);

  // 403 (e-mail not verified yet), 409 (e-mail taken)… are toasted by the API client; the form stays open.
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Convidar pessoa"
      description="Enviamos um convite por e-mail; a pessoa cria a própria senha pelo link (vale 7 dias). Ela conta no limite de usuários do plano quando aceitar."
      formId="invite-user"
      formClassName="grid gap-4"
      submitLabel="Enviar convite"
      onSubmit={() => settingsApi.invite({ name: name.trim(), email: email.trim(), ...access })}
      onDone={onInvited}
    >
      <FormField id="invite-name" label="Nome">
        <Input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
      </FormField>
      <FormField id="invite-email" label="E-mail">
        <Input type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        <AccessFields idPrefix="invite" value={access} onChange={setAccess} departments={departments} />
      </div>
    </FormDialog>
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
  const [access, setAccess] = useState<Access>({ role: "agent", department_id: null });

  useEffect(() => {
    if (user) setAccess({ role: user.role, department_id: user.department_id });
  }, [user]);

  return (
    <FormDialog
      open={user !== null}
      onOpenChange={onOpenChange}
      title={`Editar ${user?.name ?? ""}`}
      description="Papel e departamento definem o que a pessoa vê e pode fazer."
      formId="edit-user"
      formClassName="grid gap-4 sm:grid-cols-2"
      submitLabel="Salvar"
      onSubmit={async () => {
        if (user) await settingsApi.updateUser(user.id, access);
      }}
      successMessage="Usuário atualizado"
      onDone={onSaved}
    >
      <AccessFields idPrefix="edit" value={access} onChange={setAccess} departments={departments} />
    </FormDialog>
  );
}
