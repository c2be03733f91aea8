/** A `<form method="post">` read from a server-rendered page: where it posts and what it already carries. */
export interface HtmlForm {
  action: string;
  /** Names of every input, visible or hidden. */
  inputNames: string[];
  /** Hidden inputs with their values, to post back unchanged. */
  hidden: Record<string, string>;
  /** Its buttons ("Sign in", "Verify", "Allow", …), with the name/value a click would submit. */
  buttons: HtmlButton[];
  /** A passkey form's ceremony (`data-passkey`: authenticate, register) and its options (`data-options`, JSON). */
  passkey?: { ceremony: string; options: string };
}

/** A submit button: its visible text and, when it has a name, the pair a click adds to the form data. */
export interface HtmlButton {
  text: string;
  name: string | undefined;
  value: string;
}

/**
 * Reads the POST forms of a page with regular expressions: enough for the auth server's own pages, whose
 * markup the HTTP contract fixes (inputs `username`, `password`, `code`; buttons "Sign in", "Verify",
 * "Allow"). Relative actions are resolved against the page's URL.
 */
export function parseForms(html: string, pageUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = parseAttributes(match[1] ?? '');
    if ((attributes.method ?? 'get').toLowerCase() !== 'post') continue;
    const body = match[2] ?? '';
    const form: HtmlForm = {
      action: new URL(attributes.action ?? pageUrl, pageUrl).href,
      inputNames: [],
      hidden: {},
      buttons: [],
      ...(attributes['data-passkey'] !== undefined
        ? { passkey: { ceremony: attributes['data-passkey'], options: attributes['data-options'] ?? '{}' } }
        : {}),
    };
    for (const input of body.matchAll(/<input\b([^>]*)>/gi)) {
      const inputAttributes = parseAttributes(input[1] ?? '');
      if (inputAttributes.name === undefined) continue;
      form.inputNames.push(inputAttributes.name);
      if (inputAttributes.type?.toLowerCase() === 'hidden') {
        form.hidden[inputAttributes.name] = inputAttributes.value ?? '';
      }
    }
    for (const button of body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
      const buttonAttributes = parseAttributes(button[1] ?? '');
      form.buttons.push({
        text: decodeEntities((button[2] ?? '').replace(/<[^>]*>/g, '').trim()),
        name: buttonAttributes.name,
        value: buttonAttributes.value ?? '',
      });
    }
    forms.push(form);
  }
  return forms;
}

function parseAttributes(source: string): Record<string, string | undefined> {
  const attributes: Record<string, string | undefined> = {};
  for (const match of source.matchAll(
    /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g,
  )) {
    const name = (match[1] ?? '').toLowerCase();
    attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number.parseInt(decimal, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
