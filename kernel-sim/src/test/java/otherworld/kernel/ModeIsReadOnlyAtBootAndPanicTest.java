package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

import otherworld.kernel.layout.Layouts;

/**
 * DESIGN.md rule 4, checked on the compiled kernel: whether Otherworld is on (the boot parameter
 * {@code KernelConfig.otherworld()}, the header's {@code KH_MODE}) is read only where the modes differ — at boot
 * (laying down the kernel, reserving the crash region) and at a panic (start a crash kernel or halt). No system call,
 * no part of the file system, memory manager, tty, scheduler or crash kernel looks at it: default mode runs the same
 * code as a kernel without Otherworld. The same holds of the enhanced mode ({@code KernelConfig.enhanced()}): it is
 * read where a kernel lays out its region (at boot, and by the crash kernel for the region it hands over); the
 * kernel then finds its check bytes from its header, as it finds every table.
 */
class ModeIsReadOnlyAtBootAndPanicTest {
    static final Set<String> ALLOWED = Set.of("otherworld.kernel.Kernel.boot", "otherworld.kernel.Kernel.layDown",
            "otherworld.kernel.Computer.microreboot", "otherworld.kernel.resurrect.CrashKernel.resurrect");

    static JavaClasses kernel() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("otherworld.kernel");
    }

    static List<String> readersOfTheMode(JavaClasses classes) {
        List<String> found = new ArrayList<>();
        for (JavaClass c : classes) {
            if (c.getName().equals(KernelConfig.class.getName())) continue; // the record itself
            for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                if (call.getTargetOwner().getName().equals(KernelConfig.class.getName())
                        && (call.getName().equals("otherworld") || call.getName().equals("enhanced"))) {
                    found.add(where(call.getOrigin().getOwner().getName(), call.getOrigin().getName(), call.getLineNumber()));
                }
            }
            for (JavaFieldAccess access : c.getFieldAccessesFromSelf()) {
                if (access.getTargetOwner().getName().equals(Layouts.class.getName())
                        && access.getName().equals("KH_MODE") && access.getAccessType() == JavaFieldAccess.AccessType.GET
                        && !access.getOrigin().getName().equals("<clinit>")) {
                    found.add(where(access.getOrigin().getOwner().getName(), access.getOrigin().getName(),
                            access.getLineNumber()));
                }
            }
        }
        return found;
    }

    static String where(String owner, String method, int line) {
        return owner + "." + method + ":" + line;
    }

    @Test
    void theModeIsReadOnlyAtBootAndAtAPanic() {
        List<String> readers = readersOfTheMode(kernel());
        List<String> outside = new ArrayList<>();
        for (String r : readers) {
            if (!ALLOWED.contains(r.substring(0, r.lastIndexOf(':')))) outside.add(r);
        }
        assertEquals(List.of(), outside, "the Otherworld mode is read outside boot and panic handling");
        assertTrue(readers.stream().anyMatch(r -> r.startsWith("otherworld.kernel.Kernel.boot:")), readers.toString());
        assertTrue(readers.stream().anyMatch(r -> r.startsWith("otherworld.kernel.Computer.microreboot:")), readers.toString());
    }

    /** The check has teeth: a class of the system-call path that read the mode would be found. */
    @Test
    void aReaderOnTheSystemCallPathWouldBeFound() {
        JavaClasses withOffender = new ClassFileImporter().importClasses(Offender.class, KernelConfig.class);
        assertEquals(1, readersOfTheMode(withOffender).size());
    }

    static final class Offender {
        long read(KernelConfig c) { return c.otherworld() ? 1 : 0; }
    }
}
