package io.eventstreamcore.cli;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.security.ClusterMaterial;
import io.eventstreamcore.security.OwnerOnly;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Adds a user to a secured local cluster; its nodes read the users file again by themselves. */
@Command(
    mixinStandardHelpOptions = true,
    name = "user-add",
    description =
        "Add a user to a local cluster started with 'esc cluster up --secure' and write its"
            + " credential (user:secret) to <dir>/security/<name>.credential.")
final class UserCommand implements Callable<Integer> {
  @Option(
      names = "--dir",
      defaultValue = ".esc/cluster",
      description = "The cluster's folder (default: ${DEFAULT-VALUE})")
  Path dir;

  @Parameters(index = "0", description = "User name, [A-Za-z0-9._-]{1,64}")
  String name;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      description = "Rights: produce:<prefix>, consume:<prefix> (* = every topic), admin")
  List<String> rights;

  @Override
  public Integer call() throws Exception {
    ClusterMaterial m = new ClusterMaterial(dir.resolve(LocalCluster.SECURITY));
    if (!m.exists()) {
      System.err.println(
          dir + " holds no secured cluster; start one with 'esc cluster up --secure'");
      return 1;
    }
    Credential c = m.addUser(name, rights);
    Path file = m.dir().resolve(name + ".credential");
    OwnerOnly.write(file, c);
    System.out.printf("user %s added with %s; credential in %s%n", name, rights, file);
    return 0;
  }
}
