/** Every command the extension contributes, in one place. */
export const enum CommandId {
  OpenPanel = 'kernelMemoryWatch.openPanel',
  WatchProcess = 'kernelMemoryWatch.watchProcess',
  StopWatching = 'kernelMemoryWatch.stopWatching',
  Diagnose = 'kernelMemoryWatch.diagnose',
  ReleaseNow = 'kernelMemoryWatch.releaseNow',
  ClearOutputCache = 'kernelMemoryWatch.clearOutputCache',
  ExportCsv = 'kernelMemoryWatch.exportCsv',
  TogglePause = 'kernelMemoryWatch.togglePause',
  DismissDiagnostics = 'kernelMemoryWatch.dismissDiagnostics',
  OpenPanelInEditor = 'kernelMemoryWatch.openPanelInEditor',
  ShowLedger = 'kernelMemoryWatch.showLedger',
  ShowEvidence = 'kernelMemoryWatch.showEvidence',
  ApplyPreferredFix = 'kernelMemoryWatch.applyPreferredFix',
  OpenScript = 'kernelMemoryWatch.openScript',
}
