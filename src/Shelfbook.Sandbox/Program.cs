// The platform sandbox on its own: dotnet run --project src/Shelfbook.Sandbox [--urls http://localhost:5080]
await Shelfbook.Sandbox.SandboxApp.Build(args).RunAsync();
