/** Words for what the team is doing on a conversation: "Maria está vendo", "Maria e João estão digitando…". */
export interface PersonActivity {
  name: string;
  what: "viewing" | "typing" | "customer_typing";
}

export function activityLabel(people: PersonActivity[]): { text: string; typing: boolean } | null {
  if (people.length === 0) return null;
  const typing = people.filter((p) => p.what === "typing");
  const shown = typing.length > 0 ? typing : people;
  const names = [...new Set(shown.map((p) => p.name.trim().split(/\s+/)[0] || "Alguém"))];
  const who = names.length <= 2 ? names.join(" e ") : `${names[0]} e mais ${names.length - 1}`;
  const verb = names.length > 1 ? "estão" : "está";
  return typing.length > 0 ? { text: `${who} ${verb} digitando…`, typing: true } : { text: `${who} ${verb} vendo`, typing: false };
}
