// What a Jupyter Server kernel's death means, in the words a local kernel's post-mortem uses: was
// it killed for memory (its last figures against its limit), and which cell was running. Pure.

import { formatBytes } from '../core/format';
import { assessKernelDeath, type PostMortem } from '../kernel/postMortem';
import type { RemoteKernelDeath } from './remoteKernelTypes';

export function assessRemoteDeath(death: RemoteKernelDeath): PostMortem {
  const name = `${death.label} on ${death.server}`;
  if (!death.limit) {
    // No limit known (no reply yet, no setting): the figures alone, no verdict about memory.
    const cell = death.runningCell ? `, cell ${death.runningCell.executionOrder !== null ? `[${death.runningCell.executionOrder}]` : death.runningCell.label} running` : '';
    return { likelyOutOfMemory: false, evidence: 'none', message: `Kernel of ${name} died at ${formatBytes(Math.max(death.lastBytes, death.recentPeakBytes))}${cell}; the server restarts it.` };
  }
  return assessKernelDeath({
    notebookName: name,
    lastRssBytes: death.lastBytes,
    recentPeakBytes: death.recentPeakBytes,
    limit: death.limit,
    runningCell: death.runningCell,
  });
}
