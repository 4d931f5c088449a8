/**
 * The input caps, in one place (documented in docs/limits.md). Each keeps a hostile or broken input
 * from hanging the tool or exhausting its memory; a genuine input far below them is never affected.
 */

/**
 * Deepest nesting any tree reader accepts (FortiOS `config`/`edit`, strongSwan sections, XML elements of
 * PAN-OS and pfSense, JSON exports, PAN-OS set paths). Real configurations nest about fifteen levels.
 */
export const MAX_NESTING = 200

/** Largest config file `parse`, `diff` and `prepare` read by default (`--max-config-bytes` changes it). */
export const DEFAULT_MAX_CONFIG_BYTES = 128 * 1024 * 1024

/** Largest single inventory file, and all inventory files together. */
export const MAX_INVENTORY_FILE_BYTES = 10 * 1024 * 1024
export const MAX_INVENTORY_BYTES = 64 * 1024 * 1024

/** Most collection entries (access points, flows, zones, devices…) an inventory may hold in total. */
export const MAX_INVENTORY_ENTRIES = 100_000

/** Echoed config text (exposure `text`, unparsed lines) is cut to this many characters before redaction. */
export const MAX_ECHO = 400
