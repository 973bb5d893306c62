using Fillwise.Core;
using Fillwise.Execution.Policies.Intel;

namespace Fillwise.Execution.Policies;

/// <summary>The registry of execution policies by name: adding a policy is its file plus one line here.</summary>
public static class ExecutionPolicies
{
    private static readonly SortedDictionary<string, Func<ExecutorOptions, IntelModel?, IExecutionPolicy>> Factories = new(StringComparer.Ordinal)
    {
        ["taker"] = (_, _) => new TakerPolicy(),
        ["static"] = (o, _) => new StaticPolicy(o.Router),
        ["rules"] = (o, _) => new RulesPolicy(o.Router, o.MakerOffset),
        ["intel"] = (o, prior) => new IntelPolicy(o, prior),
    };

    /// <summary>Every registered name, sorted.</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static bool IsKnown(string name) => Factories.ContainsKey(name);

    /// <summary>
    /// A new instance (policies may learn, so every run gets its own) built from validated options; a learning
    /// policy starts from <paramref name="prior"/> (what an earlier run learned, <see cref="IExecutionPolicy.Learned"/>).
    /// </summary>
    public static IExecutionPolicy Create(string name, ExecutorOptions options, IntelModel? prior = null)
    {
        if (!Factories.TryGetValue(name, out var factory))
        {
            throw new OptionsException($"unknown policy '{name}': expected one of {string.Join(", ", Factories.Keys)}.");
        }
        options.Validate();
        return factory(options, prior);
    }
}
