package io.raftray.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mysqldump reader: statements, comments, MySQL string escapes, column lists. */
@Timeout(10)
class MysqlDumpTest {
  static final String DUMP =
      """
      -- MySQL dump 10.13  Distrib 8.0.36
      /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
      /*!40101 SET NAMES utf8mb4 */;
      DROP TABLE IF EXISTS `users`;
      CREATE TABLE `users` (
        `id` int NOT NULL AUTO_INCREMENT,
        `username` varchar(34) COLLATE utf8mb4_general_ci DEFAULT NULL,
        `status` enum('active','disabled','limited','expired','on_hold') NOT NULL,
        `note` varchar(500) DEFAULT NULL,
        `data_limit` bigint DEFAULT NULL,
        PRIMARY KEY (`id`),
        UNIQUE KEY `ix_users_username` (`username`),
        CONSTRAINT `users_ibfk_1` FOREIGN KEY (`admin_id`) REFERENCES `admins` (`id`)
      ) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4;
      LOCK TABLES `users` WRITE;
      /*!40000 ALTER TABLE `users` DISABLE KEYS */;
      INSERT INTO `users` VALUES (1,'alice','active','it\\'s \\"quoted\\";\\n(line two), \\\\ back',NULL),(2,'bob','on_hold','O''Brien; 50\\% off',107374182400);
      /*!40000 ALTER TABLE `users` ENABLE KEYS */;
      UNLOCK TABLES;
      # a hash comment
      INSERT IGNORE INTO `jwt` (`id`, `secret_key`) VALUES (1, _binary 'abc123');
      INSERT INTO proxies (id,settings) VALUES (7,0x7B226964223A2278227D);
      """;

  @Test
  void readsRowsWithEscapes() throws IOException {
    Map<String, Table> t = MysqlDump.parse(DUMP);
    assertThat(t).containsOnlyKeys("users", "jwt", "proxies");
    Table users = t.get("users");
    assertThat(users.columns()).containsExactly("id", "username", "status", "note", "data_limit");
    assertThat(users.size()).isEqualTo(2);
    Table.Row alice = users.rows().get(0);
    assertThat(alice.get("note")).isEqualTo("it's \"quoted\";\n(line two), \\ back");
    assertThat(alice.get("data_limit")).isNull();
    Table.Row bob = users.rows().get(1);
    assertThat(bob.get("username")).isEqualTo("bob");
    assertThat(bob.get("note")).isEqualTo("O'Brien; 50\\% off");
    assertThat(bob.getLong("data_limit")).isEqualTo(107374182400L);
    assertThat(bob.get("no_such_column")).isNull();
    assertThat(t.get("jwt").rows().get(0).get("secret_key")).isEqualTo("abc123");
    assertThat(t.get("proxies").rows().get(0).get("settings")).isEqualTo("{\"id\":\"x\"}");
  }

  @Test
  void brokenDump_isAClearError() {
    assertThatThrownBy(() -> MysqlDump.parse("INSERT INTO `t` VALUES (1,'open"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a readable mysqldump file");
    assertThatThrownBy(() -> MysqlDump.parse("INSERT INTO `t` VALUES (1,2);"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without its CREATE TABLE");
  }
}
