// CPU time spent by Laurel (this process: every thread) and by the PostgreSQL server's processes.
// CPU per delivery moves far less from run to run than throughput on a shared machine, so it
// shows what a change costs even when throughput's noise hides it.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports process times in these ticks. */
const TICKS_PER_SECOND = 100;

export interface CpuReading {
  laurelUs: number;
  /** Undefined where /proc cannot be read (not Linux). */
  postgresUs: number | undefined;
}

export function readCpu(): CpuReading {
  const { user, system } = process.cpuUsage();
  return { laurelUs: user + system, postgresUs: postgresCpuUs() };
}

/** Microseconds per item between two readings. */
export function cpuPer(before: CpuReading, after: CpuReading, items: number): CpuReading {
  return {
    laurelUs: (after.laurelUs - before.laurelUs) / items,
    postgresUs: before.postgresUs === undefined || after.postgresUs === undefined ? undefined : (after.postgresUs - before.postgresUs) / items,
  };
}

function postgresCpuUs(): number | undefined {
  let ticks = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      // Fields after the command: utime and stime (14th and 15th of the line), then cutime and
      // cstime: the reaped children's, so a backend that exits between two readings (the pool
      // closes idle connections) still counts, in its postmaster.
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return (ticks / TICKS_PER_SECOND) * 1e6;
}
