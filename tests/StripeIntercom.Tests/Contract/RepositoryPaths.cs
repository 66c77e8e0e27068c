namespace StripeIntercom.Tests.Contract;

/// <summary>Where the repository and the shared contracts beside it are, found from the test binaries.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Intercom's published API description, read from ../shared at test time (never copied in).</summary>
    public static string IntercomSpec =>
        Path.GetFullPath(Path.Combine(Root, "..", "shared", "contracts", "intercom", "api.intercom.io.2.14.yaml"));

    /// <summary>Intercom's Preview description, for the bulk writes that exist only under Intercom-Version:
    /// Preview.</summary>
    public static string IntercomPreviewSpec =>
        Path.GetFullPath(Path.Combine(Root, "..", "shared", "contracts", "intercom", "api.intercom.io.preview.yaml"));

    public static string PrismEntryPoint =>
        Path.Combine(Root, "tests", "contract", "node_modules", "@stoplight", "prism-cli", "dist", "index.js");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(
            AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StripeIntercom.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            "The tests must run from inside the repository (StripeIntercom.sln not found above " +
            AppContext.BaseDirectory + ").");
    }
}
