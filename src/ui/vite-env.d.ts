// Vite's client types for the web app: import.meta.env and CSS imports.

/// <reference types="vite/client" />
