/**
 * CSV read with csv-parse, fed one line at a time by the log line splitter (so the line caps hold and
 * line numbers stay right). Quoted fields, embedded commas and quotes, and fields spanning lines are
 * csv-parse's job; a broken record is skipped and reported, never fatal.
 */
import {Parser} from 'csv-parse'

import {MAX_LINE} from './stream.js'

export interface CsvRow {
  fields: string[]
  /** File line where the record starts. */
  line: number
}

export class CsvLines {
  private parser: Parser
  /** File line of each line fed, by csv-parse's own line count. */
  private readonly fed = new Map<number, number>()
  private count = 0
  private current = 0
  private rows: CsvRow[] = []
  readonly errors: Array<{line: number; reason: string}> = []

  constructor(private readonly delimiter = ',') {
    this.parser = this.create()
  }

  private create(): Parser {
    this.fed.clear()
    this.count = 0
    return new Parser({
      delimiter: this.delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_LINE,
      info: true,
      on_skip: (err: Error | undefined) => {
        if (err) this.errors.push({line: this.current, reason: `CSV: ${err.message.replace(/\s+/g, ' ').slice(0, 200)}`})
      },
    } as ConstructorParameters<typeof Parser>[0])
  }

  private readonly push = (r: {record: string[]; info: {lines: number}}) => {
    // info.lines is the parser's line where the record ends; a field spanning lines moves the start up
    let spans = 0
    for (const f of r.record) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) spans++
    const line = this.fed.get(r.info.lines - spans) ?? 0
    this.rows.push({fields: r.record, line})
  }

  private take(err: Error | undefined, line: number): CsvRow[] {
    if (err) {
      // a record csv-parse cannot recover from (e.g. an unclosed quote running past 1 MiB): start afresh
      this.errors.push({line, reason: `CSV: ${err.message.replace(/\s+/g, ' ').slice(0, 200)}`})
      this.parser = this.create()
    }
    for (const k of [...this.fed.keys()]) if (k < this.count - 4096) this.fed.delete(k)
    const out = this.rows
    this.rows = []
    return out
  }

  /** Feed one line; returns the records completed so far (csv-parse emits a record one line late). */
  line(text: string, line: number): CsvRow[] {
    this.count++
    this.current = line
    this.fed.set(this.count, line)
    const api = (this.parser as unknown as {api: CsvApi}).api
    return this.take(api.parse(Buffer.from(`${text}\n`), false, this.push, () => {}), line)
  }

  /** End of input: the last records. */
  end(line: number): CsvRow[] {
    const api = (this.parser as unknown as {api: CsvApi}).api
    return this.take(api.parse(undefined, true, this.push, () => {}), line)
  }
}

/** The synchronous core of csv-parse's Parser (what its Transform calls for every chunk). */
interface CsvApi {
  parse(buf: Buffer | undefined, end: boolean, push: (r: any) => void, close: () => void): Error | undefined
}
