/** Whether the contact panel's drawer is open (narrow screens: opened from the chat header). */
import { create } from "zustand";

export const useContactSheet = create<{ open: boolean; setOpen: (open: boolean) => void }>()((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));
