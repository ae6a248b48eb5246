export { OnboardingChecklist } from "./OnboardingChecklist";
