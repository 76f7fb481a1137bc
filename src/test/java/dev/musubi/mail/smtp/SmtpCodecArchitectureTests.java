package dev.musubi.mail.smtp;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The SMTP wire format stays plain Java (conventions: "Protocol code"). */
class SmtpCodecArchitectureTests {

  @Test
  void theCodecImportsNoSpringAndNoServerCode() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.musubi.mail.smtp.codec");
    noClasses()
        .that()
        .resideInAPackage("dev.musubi.mail.smtp.codec..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "dev.musubi.mail.smtp", "jakarta..")
        .check(classes);
  }
}
