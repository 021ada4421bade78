using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Tcpffee.Bench.StickTable.StickTableAdminBenchmarks).Assembly).Run(args);
