/** Types of bench/generate.js (tests use its seeded generators). Each returns the text of a config with `n` rules. */
export function rng(seed?: number): () => number
export function iptables(n: number, seed?: number): string
export function ciscoAsa(n: number, seed?: number): string
export function panosXml(n: number, seed?: number): string
export function fortios(n: number, seed?: number): string
export function nftables(n: number, seed?: number): string
export function ciscoIos(n: number, seed?: number): string
export function junosSet(n: number, seed?: number): string
export function junosHier(n: number, seed?: number): string
export function pfsense(n: number, seed?: number): string
export function aws(n: number, seed?: number): string
export function azure(n: number, seed?: number): string
export function gcp(n: number, seed?: number): string
export function inventory(n: number, seed?: number): unknown
export function writeInventory(dir: string, devices: number, rules: number): void
