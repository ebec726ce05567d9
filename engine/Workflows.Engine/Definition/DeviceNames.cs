using System.Text.RegularExpressions;

namespace Workflows.Engine.Definition;

/// <summary>The device requests a workflow may write; the device engine decides what each means here.</summary>
public static partial class DeviceNames
{
    public static bool IsValid(string device) => Pattern().IsMatch(device);

    [GeneratedRegex("^(auto|cpu|cuda|cuda:[0-9]+)$")]
    private static partial Regex Pattern();
}
