// What a tab alone in its room is offered, side by side: the sandbox (a whole simulated cluster in
// this tab) or inviting real tabs into the room. Hidden once another member joins or a run starts.

import type { PageConfig } from '../config';
import { roomUrl, sandboxUrl } from '../config';
import { usePanel } from '../hooks';
import { useStore } from '../store';

export function SandboxOffer({ config }: { config: PageConfig }) {
  const alone = useStore((s) => s.roster !== null && s.roster.members.length <= 1);
  const hasRun = usePanel((view) => view.history.run !== null);
  if (!alone || hasRun) return null;
  const room = roomUrl(window.location, config.room);
  return (
    <section className="offer" aria-label="Nobody else is here yet">
      <div className="offer-card">
        <h2>Sandbox: a simulated cluster in this tab</h2>
        <p>2 to 16 virtual nodes run the same protocol on a simulated network, with guided scenarios, crashes, partitions and a link to share the exact run.</p>
        <a className="button primary" href={sandboxUrl(window.location)} data-testid="open-sandbox">
          Open the sandbox
        </a>
      </div>
      <div className="offer-card">
        <h2>Invite real tabs</h2>
        <p>Each tab that opens this room's link is a node: real browsers, real WebRTC data channels.</p>
        <button type="button" onClick={() => window.open(room, '_blank')}>
          Open another node
        </button>{' '}
        <button type="button" onClick={() => void navigator.clipboard?.writeText(room)} title={room}>
          Copy the room's link
        </button>
      </div>
    </section>
  );
}
