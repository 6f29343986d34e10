// The first, local check of an email address, before anything leaves the computer.

/** A plain-words problem with `value`, or `null` when it looks like an address. */
export function addressProblem(value: string): string | null {
  const v = value.trim();
  if (v === "") {
    return "Type the email address you want to send from, like name@example.com.";
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) {
    return "The address contains a line break or an invisible character. Type it again on one line.";
  }
  if (/\s/.test(v)) {
    return "The address contains a space. Type it without spaces.";
  }
  const at = v.lastIndexOf("@");
  if (at < 0) {
    return "The address needs an @, like name@example.com.";
  }
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  if (local === "" || domain === "" || !domain.includes(".") || domain.startsWith(".") || domain.endsWith(".")) {
    return `"${v}" is not complete. It should look like name@example.com.`;
  }
  if (v.length > 254) {
    return "The address is too long. Check that you pasted the right thing.";
  }
  return null;
}
