// What WHIP/WHEP say outside the SDP answer: the server's ICE credentials and candidates after an ICE restart
// (an application/trickle-ice-sdpfrag, RFC 8840) and the ICE servers as Link headers (RFC 9725, section 4.6).
// Writing only: incoming fragments are parsed by sdp-transform.
import type { IceCandidate, IceParameters, IceServer } from '../protocol/index.js';

function candidateLine(c: IceCandidate): string {
  const tcp = c.protocol === 'tcp' && c.tcpType ? ` tcptype ${c.tcpType}` : '';
  return `a=candidate:${c.foundation} 1 ${c.protocol} ${c.priority} ${c.ip} ${c.port} typ ${c.type}${tcp}`;
}

/** The server's side of an ICE restart: ice-lite, new credentials, its candidates, in the first bundled section. */
export function iceRestartFragment(ice: IceParameters, candidates: IceCandidate[], mids: string[]): string {
  const lines = ['a=ice-lite', `a=ice-ufrag:${ice.usernameFragment}`, `a=ice-pwd:${ice.password}`];
  if (mids.length > 0) lines.push(`a=group:BUNDLE ${mids.join(' ')}`);
  lines.push('m=audio 9 UDP/TLS/RTP/SAVPF 0', `a=mid:${mids[0] ?? '0'}`);
  lines.push(...candidates.map(candidateLine), 'a=end-of-candidates');
  return lines.join('\r\n') + '\r\n';
}

const quoted = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;

/** One `Link: <url>; rel="ice-server"` per STUN/TURN URL, with the TURN credentials it needs. */
export function iceServerLinks(servers: IceServer[]): string[] {
  return servers.flatMap((server) =>
    server.urls.map((url) => {
      const parts = [`<${url}>`, 'rel="ice-server"'];
      if (server.username !== undefined && server.credential !== undefined) {
        parts.push(`username=${quoted(server.username)}`, `credential=${quoted(server.credential)}`);
        parts.push('credential-type="password"');
      }
      return parts.join('; ');
    }),
  );
}
