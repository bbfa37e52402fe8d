// For problems that can repeat thousands of times a second (line noise, a connection flood, a
// silent Modbus slave): log the first ten occurrences, then one in a thousand, with the count.

export function worthLogging(count: number): boolean {
  return count <= 10 || count % 1000 === 0;
}
