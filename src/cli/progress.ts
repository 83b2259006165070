/** Progress for a terminal (a redrawn bar on stderr) or a log (one plain line per change). */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number) => void {
  let last = ''
  return (done, total) => {
    const line = `${label}: ${done}/${total}`
    if (line === last) return
    last = line
    if (stream.isTTY) {
      const width = 30
      const filled = total > 0 ? Math.round((width * done) / total) : 0
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`,
      )
    } else {
      stream.write(`${line}\n`)
    }
  }
}
