/**
 * Hand a blob to the browser as a file download.
 */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after it.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}
