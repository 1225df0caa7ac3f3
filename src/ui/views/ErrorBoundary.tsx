// Keeps a failing view from blanking the page: shows what broke in its place instead.

import { Component, type ReactNode } from 'react';

interface Props {
  /** What this boundary guards, for the message: "the cluster view". */
  area: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: unknown): void {
    console.error(`error in ${this.props.area}`, error);
  }

  render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="boundary-error" role="alert">
        <strong>Something went wrong in {this.props.area}.</strong> {this.state.error.message}
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
