package io.eventstreamcore.node.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/** One Raft group of real Ratis servers on free loopback ports; closes the servers it started. */
final class LoopbackRaftGroup implements AutoCloseable {
  private final Path dir;
  private final List<Peer> peers = new ArrayList<>();
  private final List<RaftServer> started = new ArrayList<>();
  private final RaftGroup group;

  /** Chooses a port for each id; no server runs until {@link #start}. */
  LoopbackRaftGroup(Path dir, String... ids) throws IOException {
    this.dir = dir;
    for (String id : ids) {
      peers.add(new Peer(id, "127.0.0.1", freeLoopbackPort(), 0, 0));
    }
    this.group =
        RaftGroup.valueOf(RaftGroupId.randomId(), peers.stream().map(Peer::toRaftPeer).toList());
  }

  List<Peer> peers() {
    return peers;
  }

  RaftGroup group() {
    return group;
  }

  RaftServer start(String id) throws IOException {
    return start(id, new BaseStateMachine());
  }

  RaftServer start(String id, BaseStateMachine stateMachine) throws IOException {
    return start(id, stateMachine, props -> {}, new Parameters());
  }

  /** Starts {@code id} with Ratis settings of the test's ({@code tune}) and RPC parameters. */
  RaftServer start(
      String id,
      BaseStateMachine stateMachine,
      Consumer<RaftProperties> tune,
      Parameters parameters)
      throws IOException {
    Peer peer = peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    RaftProperties props = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(props, List.of(dir.resolve(id).toFile()));
    GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(props, peer.raftPort());
    tune.accept(props);
    RaftServer server =
        RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(id))
            .setGroup(group)
            .setStateMachine(stateMachine)
            .setProperties(props)
            .setParameters(parameters)
            .setOption(RaftStorage.StartupOption.FORMAT)
            .build();
    started.add(server);
    server.start();
    return server;
  }

  /** Whether the started server {@code id} leads and has applied its term's first entry. */
  boolean leadsReady(RaftPeerId id) throws IOException {
    for (RaftServer s : started) {
      if (s.getId().equals(id)) {
        var info = s.getDivision(group.getGroupId()).getInfo();
        return info.isLeader() && info.isLeaderReady();
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    for (RaftServer s : started) {
      s.close();
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
