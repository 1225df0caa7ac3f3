// "What am I looking at?": the protocol in five lines and the picture's key, for a lecture audience.

export function Legend() {
  return (
    <details className="legend" open>
      <summary>What am I looking at?</summary>
      <ol className="protocol-lines">
        <li>
          <strong>Stop-and-wait.</strong> Every node sends one message at a time (#1, #2, …) to every member, itself included, and resends it each tick
          until it is acknowledged.
        </li>
        <li>
          <strong>Ack-all.</strong> The ring around a node fills one segment per member that acked its current message; once it is full, the next message
          goes out at once.
        </li>
        <li>
          <strong>Receive buffer of one.</strong> Each node holds the latest message of every sender in a slot (the small boxes beside it).
        </li>
        <li>
          <strong>Commit on next.</strong> When #k+1 of a sender arrives, #k moves from the slot into the log: the sender only sent #k+1 after everyone
          had #k.
        </li>
        <li>
          <strong>FIN.</strong> After <em>send for</em>, each node finishes its last message and sends FIN, which commits that message everywhere. Then all
          print <code>(count, checksum)</code>, and they agree.
        </li>
      </ol>
      <ul className="key">
        <li>
          <svg width="16" height="12" aria-hidden="true">
            <circle cx="8" cy="6" r="5" fill="#4ea1ff" />
          </svg>
          DATA, in its sender’s color
        </li>
        <li>
          <svg width="16" height="12" aria-hidden="true">
            <circle cx="8" cy="6" r="3.5" fill="none" stroke="#4ea1ff" strokeWidth="1.5" />
          </svg>
          ACK, in the color of the stream it acks
        </li>
        <li>
          <svg width="16" height="12" aria-hidden="true">
            <circle cx="8" cy="6" r="5.5" fill="#4ea1ff" stroke="#fff" strokeWidth="1.5" />
          </svg>
          FIN
        </li>
        <li>
          <svg width="22" height="12" aria-hidden="true">
            <line x1="1" y1="6" x2="21" y2="6" stroke="#ff5d5d" strokeWidth="2" strokeDasharray="4 3" />
          </svg>
          cut link (click a link’s ✂ to cut or restore it)
        </li>
        <li>
          <svg width="22" height="12" aria-hidden="true">
            <line x1="1" y1="6" x2="21" y2="6" stroke="#ffb347" strokeWidth="2" strokeDasharray="1 3" />
          </svg>
          lossy link
        </li>
      </ul>
      <p className="muted small-print">
        The protocol always runs at full speed; the animation can run slower or pause and catch up with “Jump to live”. At thousands of frames a second the
        picture shows a sample; the counters are exact. Lecture tip: the lecture preset adds a 400 ms delay to every link so single messages can be
        followed.
      </p>
    </details>
  );
}
