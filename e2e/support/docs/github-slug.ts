/**
 * The anchor GitHub gives a heading (github-slugger): lower case, markup and punctuation dropped, each space a
 * hyphen. Inline code keeps its text, a link keeps its text, emphasis markers go. `seen` counts the slugs of the
 * document so far: a repeated heading gets `-1`, `-2`, … as on GitHub.
 *
 * @example
 * githubSlug('CLI (`gatehouse`, every command uses `DATA_DIR`)', new Map()); // 'cli-gatehouse-every-command-uses-data_dir'
 */
export function githubSlug(heading: string, seen: Map<string, number>): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  // Letters, marks, digits, connector punctuation (`_`), spaces and hyphens stay; everything else goes.
  const base = text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
  const count = seen.get(base) ?? 0;
  seen.set(base, count + 1);
  return count === 0 ? base : `${base}-${count}`;
}
