// A page opened over plain http:// on a network address is not a secure context: the browser hides the
// camera, the microphone, WebXR and parts of WebRTC, and the page could never work. Say so, and offer the
// https:// address (classroom mode serves it on the same port; a deployment behind Caddy on 443).
export function secureUrl(location: Pick<Location, 'host' | 'pathname' | 'search'>): string {
  return `https://${location.host}${location.pathname}${location.search}`;
}

export function InsecureNotice() {
  const url = secureUrl(window.location);
  return (
    <main className="page" data-testid="insecure-context">
      <h1>This page needs a secure connection</h1>
      <p className="error">
        It was opened over plain <code>http://</code>, so the browser does not allow the camera, the
        microphone, VR or the video connection here.
      </p>
      <p>
        Open it over https instead: <a href={url}>{url}</a>
      </p>
      <p>
        On a classroom laptop, start the service with <code>npm start -- --lan</code> and use the links it
        prints.
      </p>
    </main>
  );
}
