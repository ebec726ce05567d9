namespace Workflows.Tracking.Git;

/// <summary>What <see cref="HookInstaller.Install"/> did.</summary>
/// <param name="Installed">True when the hook now calls wf.</param>
/// <param name="HookPath">The hook file.</param>
/// <param name="Message">One line for the user: installed, updated, replaced (with the backup's name), or
/// why nothing was written.</param>
public sealed record HookInstallResult(bool Installed, string HookPath, string Message);
