package io.d2iq.kubetunnel.kubeconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mangled kubeconfigs are either accepted or refused with a reason, never a crash. Seeded, so failures reproduce. */
class KubeconfigParserFuzzTest {

    private static final String VALID = KubeconfigParserTest.tokenKubeconfig();
    private static final String YAML_PIECES = ":-[]{}\n \"'#&*!|>%@`,?0";

    @Test
    void mutatedKubeconfigsNeverCrashTheParser() {
        Random random = new Random(20261124L);
        int accepted = 0;
        for (int i = 0; i < 3000; i++) {
            String input = mutate(VALID, random);
            try {
                KubeconfigParser.parse(input);
                accepted++;
            } catch (InvalidKubeconfigException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("secret-token");
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("parser crashed on input #" + i + ":\n" + input, e);
            }
        }
        assertThat(accepted)
                .as("some mutations stay valid, so the test exercises both outcomes")
                .isPositive();
    }

    @Test
    void randomBytesAreRefusedNotCrashed() {
        Random random = new Random(7L);
        for (int i = 0; i < 500; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            try {
                KubeconfigParser.parse(new String(bytes, StandardCharsets.ISO_8859_1));
            } catch (InvalidKubeconfigException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(6)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, YAML_PIECES.charAt(random.nextInt(YAML_PIECES.length())));
                case 2 -> out.setCharAt(at, YAML_PIECES.charAt(random.nextInt(YAML_PIECES.length())));
                case 3 -> out.delete(at, Math.min(out.length(), at + random.nextInt(40)));
                case 4 -> {
                    int start = out.lastIndexOf("\n", at - 1) + 1;
                    int end = out.indexOf("\n", at);
                    out.replace(start, end < 0 ? out.length() : end, random.nextBoolean() ? "-" : "");
                }
                default -> {
                    int start = out.lastIndexOf("\n", at - 1) + 1;
                    int end = out.indexOf("\n", at);
                    String line = out.substring(start, end < 0 ? out.length() : end);
                    out.insert(start, line + "\n");
                }
            }
        }
        return out.toString();
    }
}
