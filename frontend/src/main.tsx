import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import "./index.css";
import { App } from "./App";
import { installValidationMessages } from "./lib/validation";

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from index.html");
installValidationMessages();

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
