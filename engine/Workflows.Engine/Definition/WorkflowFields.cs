namespace Workflows.Engine.Definition;

/// <summary>The values <c>${{ workflow.* }}</c> expressions read.</summary>
internal static class WorkflowFields
{
    public static string? Value(WorkflowDefinition workflow, string field) => field switch
    {
        "name" => workflow.Name,
        "version" => workflow.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "device" => workflow.Device,
        _ => null,
    };
}
