using Xunit;

namespace Fillwise.TestData;

/// <summary>A fact that needs ../shared/data; skipped with a clear message when it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (TestPaths.SharedData is null)
        {
            Skip = TestPaths.SharedDataMissing;
        }
    }
}

/// <summary>A theory that needs ../shared/data; skipped with a clear message when it is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (TestPaths.SharedData is null)
        {
            Skip = TestPaths.SharedDataMissing;
        }
    }
}
