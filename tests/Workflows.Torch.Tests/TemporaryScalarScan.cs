using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Workflows.Testing;

/// <summary>
/// Finds, in compiled code, every call that hands TorchSharp a Scalar nothing holds: an implicit
/// number-to-Scalar conversion, a <c>ToScalar()</c> whose result is not kept in a local, or a call of a
/// TorchSharp member that creates such a Scalar itself (<c>x + y</c> passes an alpha of 1, <c>x * 0.5</c>
/// converts 0.5, <c>arange(a, b)</c> a step of 1), directly or through another member. Such a Scalar can be
/// finalized by a collection on another thread while libtorch still reads it (see Workflows.Torch.Scalars).
/// </summary>
public static class TemporaryScalarScan
{
    private static readonly Lazy<HashSet<string>> Creators = new(() => CreatorsIn(typeof(TorchSharp.Scalar).Assembly.Location));

    /// <summary>"file:line calls member" for each such call in <paramref name="assemblyPath"/> (its .pdb gives the lines), outside
    /// <paramref name="exemptType"/> (the type that holds Scalars, so creates them).</summary>
    public static IReadOnlyList<string> Find(string assemblyPath, string? exemptType = null)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath, new ReaderParameters { ReadSymbols = true });
        var found = new List<string>();
        foreach (var method in assembly.MainModule.GetTypes().Where(t => !Within(t, exemptType)).SelectMany(t => t.Methods).Where(m => m.HasBody))
        {
            foreach (var instruction in method.Body.Instructions)
            {
                if (instruction.Operand is not MethodReference called || !Unheld(instruction, called)) continue;
                var point = method.DebugInformation.SequencePoints.LastOrDefault(p => p.Offset <= instruction.Offset && !p.IsHidden);
                var where = point is null ? method.FullName : $"{Path.GetFileName(point.Document.Url)}:{point.StartLine}";
                found.Add($"{where} calls {called.DeclaringType.Name}.{called.Name}({string.Join(", ", called.Parameters.Select(p => p.ParameterType.Name))})");
            }
        }

        return found;
    }

    private static bool Unheld(Instruction instruction, MethodReference called) =>
        IsImplicitConversion(called)
        || (IsToScalar(called) && !IsStoreToLocal(instruction.Next))
        || Creators.Value.Contains(called.FullName);

    private static HashSet<string> CreatorsIn(string torchSharpPath)
    {
        using var torchSharp = AssemblyDefinition.ReadAssembly(torchSharpPath);
        var methods = torchSharp.MainModule.GetTypes().Where(t => !t.FullName.StartsWith("TorchSharp.Scalar", StringComparison.Ordinal))
            .SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
        var creators = new HashSet<string>();
        var grown = true;
        while (grown)                                                                              // until no caller of a creator is left out
        {
            grown = false;
            foreach (var method in methods.Where(m => !creators.Contains(m.FullName)))
            {
                if (method.Body.Instructions.Any(i => i.Operand is MethodReference r && (IsImplicitConversion(r) || IsToScalar(r) || creators.Contains(r.FullName))))
                {
                    creators.Add(method.FullName);
                    grown = true;
                }
            }
        }

        return creators;
    }

    private static bool IsImplicitConversion(MethodReference m) => m.DeclaringType.FullName == "TorchSharp.Scalar" && m.Name == "op_Implicit";

    private static bool IsToScalar(MethodReference m) => m.DeclaringType.FullName == "TorchSharp.ScalarExtensionMethods";

    private static bool IsStoreToLocal(Instruction? next) => next?.OpCode.Code is Code.Stloc or Code.Stloc_S or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3;

    private static bool Within(TypeDefinition type, string? exemptType) =>
        type.FullName == exemptType || (type.DeclaringType is { } outer && Within(outer, exemptType));
}
