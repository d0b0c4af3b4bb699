// Downloads made in the page: a blob URL and an <a download> (no network, so the page's CSP
// allows it, and it works from file:// too).

/** Offers `data` as a file called `name`. */
export function download(name: string, data: Blob | string | Uint8Array, type = 'application/octet-stream'): void {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference by now; a minute covers slow starts.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** A file name's stem from a lesson id or title: letters, digits and dashes. */
export function fileStem(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return s || 'scenario';
}
