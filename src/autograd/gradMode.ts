// Global grad mode: whether ops record the graph (torch.no_grad / enable_grad).
export const gradMode = { enabled: true };

export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

export function setGradEnabled(enabled: boolean): void {
  gradMode.enabled = enabled;
}

function withMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradMode.enabled;
  gradMode.enabled = enabled;
  try {
    return fn();
  } finally {
    gradMode.enabled = prev;
  }
}

/** Runs fn without recording the graph (PyTorch's `with torch.no_grad():`). */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** Runs fn with graph recording on, also inside noGrad (PyTorch's `with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}
