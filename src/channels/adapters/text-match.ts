/**
 * Compares a post's text with what a network shows back when looking for an earlier publication:
 * HTML entities undone (X and Graph escape them), URLs ignored (networks shorten or rewrite them),
 * whitespace collapsed.
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFC')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/https?:\/\/\S+/g, '<url>')
    .replace(/\s+/g, ' ')
    .trim();
}
