using System.Diagnostics;

namespace Workflows.Cli.Tests;

/// <summary>Runs the built `wf` (the wf.dll copied beside the tests) in a child process of its own, as a
/// second terminal would: nothing (hash seeds, caches, loaded models, libtorch state) is shared with the
/// test process or another run. For what only real processes show: locks, a killed run, a second run
/// waiting for the first, byte-identical outputs, a stack overflow the test host could not survive.</summary>
internal sealed class WfProcess : IDisposable
{
    private readonly Process _process;
    private readonly string[] _args;
    private readonly Task<string> _out;
    private readonly Task<string> _error;

    private WfProcess(Process process, string[] args)
    {
        _process = process;
        _args = args;
        _out = process.StandardOutput.ReadToEndAsync();                  // keeps the pipes drained
        _error = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts `wf ARGS` in <paramref name="workingDirectory"/> with plain output captured.</summary>
    public static WfProcess Start(string workingDirectory, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts `wf ARGS` with extra environment variables.</summary>
    public static WfProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wf.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["CI"] = "true";                                 // plain log lines, no live view
        info.Environment.Remove("MLFLOW_TRACKING_URI");                  // the embedded file store in the project
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new WfProcess(Process.Start(info)!, args);
    }

    /// <summary>Runs `wf ARGS` to the end; fails the test when it does not finish within <paramref name="timeout"/>.</summary>
    public static WfCommand.Result Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string>(), timeout, args);

    /// <summary>Runs `wf ARGS` to the end with extra environment variables.</summary>
    public static WfCommand.Result Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        return process.Wait(timeout);
    }

    /// <summary>Waits for the process to end; returns its exit code and output.</summary>
    public WfCommand.Result Wait(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            Assert.Fail($"wf {string.Join(' ', _args)} did not finish within {timeout.TotalSeconds} s; output: {_out.Result}{_error.Result}");
        }
        return new WfCommand.Result(_process.ExitCode, _out.Result, _error.Result);
    }

    /// <summary>Ends the process at once (SIGKILL), as a crash or an out-of-memory kill would.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
