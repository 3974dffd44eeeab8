import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { Provider } from "urql";
import { App } from "./App";
import { createUrqlClient, createWs } from "./graphql/client";
import { ConnectionProvider } from "./live/connection";
import { ToastProvider } from "./components/Toasts";
import "./index.css";

const ws = createWs();
const client = createUrqlClient(ws);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ConnectionProvider ws={ws}>
      <Provider value={client}>
        <ToastProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </ToastProvider>
      </Provider>
    </ConnectionProvider>
  </StrictMode>,
);
