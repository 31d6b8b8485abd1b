namespace Shelfbook.Sandbox;

/// <summary>The platform sandbox on its own: <c>dotnet run --project src/Shelfbook.Sandbox [-- --urls http://localhost:5080]</c>.</summary>
public static class SandboxProgram
{
    public static Task Main(string[] args) => SandboxApp.Build(args).RunAsync();
}
