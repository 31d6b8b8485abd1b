using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests;

/// <summary>The platform sandbox for this test run (<see cref="PlatformSandbox"/>).</summary>
public sealed class Sandbox : PlatformSandbox;
