/** Types of the contacts module — filled in by the contacts module. */
export interface ContactRef {
  phone: string;
  name?: string | null;
}
