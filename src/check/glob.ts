/** Turns a glob (`**`, `*`, `?`, `{a,b}`) into an anchored RegExp over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/'
      re += slash ? '(?:.*/)?' : '.*'
      i += slash ? 2 : 1
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '{') { const end = glob.indexOf('}', i); if (end < 0) { re += '\\{'; continue } re += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`; i = end }
    else re += escape(c)
  }
  return new RegExp(`^${re}$`)
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&')
}

/** Whether a `/`-separated relative path matches a glob; a glob without `/` also matches the base name. */
export function matchesGlob(path: string, glob: string): boolean {
  if (globToRegExp(glob).test(path)) return true
  return !glob.includes('/') && globToRegExp(glob).test(path.slice(path.lastIndexOf('/') + 1))
}
